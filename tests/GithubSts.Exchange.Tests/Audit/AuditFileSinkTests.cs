using System.Text;
using GithubSts.Exchange.Audit;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Audit;

public sealed class AuditFileSinkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-audit").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Daily_rotation_starts_a_new_file_each_utc_day_and_keeps_the_newest_files()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 20, 23, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(_directory, "audit.log");
        using (var sink = new AuditFileSink(new AuditOptions { FilePath = path, Rotation = AuditRotation.Daily, MaxRetainedFiles = 2 }, time))
        {
            for (var day = 0; day < 4; day++)
            {
                sink.Write(Encoding.UTF8.GetBytes($"day {day}\n"));
                sink.Flush();
                time.Advance(TimeSpan.FromDays(1));
            }
        }

        Assert.Equal("day 3\n", File.ReadAllText(path));
        var rotated = Directory.GetFiles(_directory, "audit.*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["audit.2026-11-21.log", "audit.2026-11-22.log"], rotated);
        Assert.Equal("day 2\n", File.ReadAllText(Path.Combine(_directory, "audit.2026-11-22.log")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Size_rotation_never_lets_a_file_grow_past_the_limit()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(_directory, "audit.log");
        using (var sink = new AuditFileSink(new AuditOptions { FilePath = path, Rotation = AuditRotation.Size, MaxFileBytes = 100, MaxRetainedFiles = 3 }, time))
        {
            for (var i = 0; i < 20; i++)
            {
                sink.Write(Encoding.UTF8.GetBytes(new string('x', 39) + "\n"));
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var files = Directory.GetFiles(_directory);
        Assert.Equal(4, files.Length);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 100, f));
    }
}
