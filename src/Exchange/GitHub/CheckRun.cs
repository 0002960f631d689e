using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>A completed check run as <c>POST /repos/{owner}/{repo}/check-runs</c> takes it.</summary>
public sealed record CheckRun(string Name, string HeadSha, bool Succeeded, string Title, string Summary, IReadOnlyList<CheckRunAnnotation> Annotations)
{
    /// <summary>GitHub accepts at most this many annotations per request.</summary>
    public const int MaxAnnotations = 50;

    /// <summary>GitHub's limit on <c>output.summary</c> (and text) in characters.</summary>
    public const int MaxSummaryChars = 65_535;

    internal byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", Name);
            json.WriteString("head_sha", HeadSha);
            json.WriteString("status", "completed");
            json.WriteString("conclusion", Succeeded ? "success" : "failure");
            json.WriteStartObject("output");
            json.WriteString("title", Title);
            json.WriteString("summary", Summary.Length <= MaxSummaryChars ? Summary : Summary[..MaxSummaryChars]);
            json.WriteStartArray("annotations");
            foreach (var annotation in Annotations.Take(MaxAnnotations))
            {
                annotation.Write(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

/// <param name="Level"><c>notice</c>, <c>warning</c> or <c>failure</c>.</param>
/// <param name="Line">1-based; GitHub needs a line, so a finding without one is put on line 1.</param>
public sealed record CheckRunAnnotation(string Path, int Line, int? Column, string Level, string Title, string Message)
{
    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("path", Path);
        json.WriteNumber("start_line", Line);
        json.WriteNumber("end_line", Line);
        if (Column is { } column)
        {
            // GitHub accepts columns only on single-line annotations, which these are.
            json.WriteNumber("start_column", column);
            json.WriteNumber("end_column", column);
        }

        json.WriteString("annotation_level", Level);
        json.WriteString("title", Title);
        json.WriteString("message", Message);
        json.WriteEndObject();
    }
}
