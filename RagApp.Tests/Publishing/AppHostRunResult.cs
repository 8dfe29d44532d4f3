namespace RagApp.Tests.Publishing;

/// <summary>How a run of the AppHost ended: its exit code and everything it wrote to stdout and stderr.</summary>
public sealed record AppHostRunResult(int ExitCode, string Output);
