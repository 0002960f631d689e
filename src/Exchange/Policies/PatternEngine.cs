namespace GithubSts.Exchange.Policies;

/// <summary>Which .NET engine matches a policy pattern.</summary>
public enum PatternEngine
{
    /// <summary>The backtracking interpreter: microseconds and about 2 KB, used only when the parse proves it linear.</summary>
    Interpreter,

    /// <summary>The linear-time engine: safe for any accepted pattern, but its automaton costs memory and CPU ("heavy").</summary>
    NonBacktracking,
}
