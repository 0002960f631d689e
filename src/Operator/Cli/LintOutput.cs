using System.Text.Encodings.Web;
using System.Text.Json;
using GithubSts.Exchange.Policies.Linting;

namespace GithubSts.Operator.Cli;

/// <summary>The three output formats of <c>policy lint</c>.</summary>
internal static class LintOutput
{
    // Relaxed escaping keeps quotes and '<' readable in CI logs; the output is never embedded in HTML or script.
    public static void Write(string format, int fileCount, IReadOnlyList<LintFinding> findings, TextWriter output)
    {
        switch (format)
        {
            case "github":
                foreach (var finding in findings)
                {
                    output.WriteLine(Annotation(finding));
                }

                break;
            case "json":
                output.WriteLine(Json(fileCount, findings));
                break;
            default:
                foreach (var finding in findings)
                {
                    output.WriteLine(finding.ToString());
                }

                output.WriteLine(Summary(fileCount, findings));
                break;
        }
    }

    /// <summary>
    /// A workflow command (<c>::error file=…,line=…,col=…,title=…::message</c>); values escaped as GitHub's toolkit does
    /// (<c>%</c>, CR and LF everywhere, and <c>:</c> and <c>,</c> in properties), so a message cannot start another command.
    /// </summary>
    public static string Annotation(LintFinding finding) =>
        $"::{Name(finding.Severity)} file={Property(finding.File)},line={finding.Line},col={finding.Column},title={Property(finding.Code)}::{Data(finding.Text)}";

    private static string Summary(int fileCount, IReadOnlyList<LintFinding> findings)
    {
        var errors = findings.Count(f => f.Severity == LintSeverity.Error);
        var warnings = findings.Count - errors;
        return $"{fileCount} {(fileCount == 1 ? "file" : "files")} checked: {errors} {(errors == 1 ? "error" : "errors")}, "
            + $"{warnings} {(warnings == 1 ? "warning" : "warnings")}";
    }

    private static string Json(int fileCount, IReadOnlyList<LintFinding> findings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("files", fileCount);
            writer.WriteNumber("errors", findings.Count(f => f.Severity == LintSeverity.Error));
            writer.WriteNumber("warnings", findings.Count(f => f.Severity == LintSeverity.Warning));
            writer.WriteStartArray("findings");
            foreach (var finding in findings)
            {
                writer.WriteStartObject();
                writer.WriteString("severity", Name(finding.Severity));
                writer.WriteString("code", finding.Code);
                writer.WriteString("file", finding.File);
                writer.WriteNumber("line", finding.Line);
                writer.WriteNumber("column", finding.Column);
                writer.WriteString("field", finding.Field);
                writer.WriteString("message", finding.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Name(LintSeverity severity) => severity == LintSeverity.Error ? "error" : "warning";

    private static string Data(string value) => value
        .Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string value) => Data(value)
        .Replace(":", "%3A", StringComparison.Ordinal)
        .Replace(",", "%2C", StringComparison.Ordinal);
}
