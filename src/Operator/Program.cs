using GithubSts.Operator.Cli;
using GithubSts.Operator.Hosting;

// `github-sts policy …` are offline tools: they run before (and instead of) anything the service would build.
return PolicyCommands.Handles(args)
    ? PolicyCommands.Run(args, Console.Out, Console.Error)
    : await GithubStsHost.RunAsync(args);
