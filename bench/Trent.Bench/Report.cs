using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trent.Bench;

public sealed record SuiteReport(
    string Endpoint,
    int Concurrency,
    double? StartupMs,
    double? IdleRssMb,
    LoadResult? Ceiling,
    IReadOnlyList<LoadResult> Results,
    IReadOnlyList<string> Notes);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SuiteReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;

public static class Report
{
    public static string Json(SuiteReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.SuiteReport);

    public static void PrintTable(SuiteReport report, TextWriter output)
    {
        output.WriteLine($"Endpoint: {report.Endpoint}   concurrency: {report.Concurrency}");
        if (report.StartupMs is { } startup)
        {
            output.WriteLine(F($"trent serve to first served request: {startup:F0} ms; idle RSS: {report.IdleRssMb:F0} MB"));
        }

        output.WriteLine();
        output.WriteLine("| workload | conc | req/s | % of ceiling | p50 ms | p90 ms | p99 ms | max ms | errors |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in (report.Ceiling is null ? [] : new[] { report.Ceiling }).Concat(report.Results))
        {
            var ratio = r.CeilingRatio is { } c ? F($"{c * 100:F0} %") : "";
            output.WriteLine(F($"| {r.Workload} | {r.Concurrency} | {r.RequestsPerSecond:F0} | {ratio} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.MaxMs:F1} | {r.Errors} |"));
        }

        foreach (var r in report.Results.Where(r => r.FirstError is not null))
        {
            output.WriteLine($"  {r.Workload}: first error: {r.FirstError}");
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine("  " + note);
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
