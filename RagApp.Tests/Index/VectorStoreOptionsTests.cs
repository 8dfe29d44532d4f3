using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RagApp.Rag.Index;

namespace RagApp.Tests.Index;

/// <summary>Bad index configuration stops start-up with a message naming the setting.</summary>
public sealed class VectorStoreOptionsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("VectorStore:DataDirectory", "", "VectorStore:DataDirectory")]
    [InlineData("VectorStore:Keyword:B", "1.5", "VectorStore:Keyword")]
    [InlineData("VectorStore:Qdrant:UpsertBatchSize", "0", "VectorStore:Qdrant")]
    [InlineData("VectorStore:SnapshotInterval", "00:00:00", "SnapshotInterval")]
    public async Task InvalidSetting_FailsStartUp_NamingIt(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await IndexServiceHost.StartAsync(_directory.Path, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepairDamagedLog_WithQdrant_IsRefused_NamingTheSetting()
    {
        var options = new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant, RepairDamagedLog = true };

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        Assert.Contains("VectorStore:RepairDamagedLog", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QdrantWithoutConnectionString_FailsStartUp_NamingTheConnection()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await IndexServiceHost.StartAsync(_directory.Path, new Dictionary<string, string?> { ["VectorStore:Provider"] = "Qdrant" }));

        Assert.Contains("'qdrant'", failure.Message, StringComparison.Ordinal);
    }
}
