using Microsoft.Extensions.Options;
using RagApp.Tests.Index;

namespace RagApp.Tests.Sessions;

/// <summary>Bad session settings stop start-up with a message naming the setting.</summary>
public sealed class SessionStoreOptionsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory(Timeout = 120_000)]
    [InlineData("Rag:Sessions:MaxTurns", "0", "MaxTurns")]
    [InlineData("Rag:Sessions:MaxTurns", "101", "MaxTurns")]
    [InlineData("Rag:Sessions:Expiry", "00:00:00", "Expiry")]
    [InlineData("Rag:Sessions:Expiry", "31.00:00:00", "Expiry")]
    [InlineData("Rag:Sessions:Timeout", "00:00:00", "Timeout")]
    [InlineData("Rag:Sessions:Timeout", "00:05:00", "Timeout")]
    public async Task InvalidSetting_FailsStartUp_NamingIt(string key, string value, string named)
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await IndexServiceHost.StartAsync(_directory.Path, new Dictionary<string, string?> { [key] = value }, withQueries: true));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.Contains("SessionStoreOptions", failure.Message, StringComparison.Ordinal);
    }
}
