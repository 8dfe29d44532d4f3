using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RagApp.Rag.Index.Qdrant.Coordination;

namespace RagApp.Tests.Index;

/// <summary>
/// Which write coordinator a Qdrant-backed RagApp.Rag gets, and that the one correct for a single replica only says so
/// in the log. Only the service wiring is built: no Qdrant server or Redis is contacted.
/// </summary>
public sealed class QdrantCoordinationChoiceTests
{
    [Fact(Timeout = 30_000)]
    public void WithoutRedis_TheInProcessCoordinator_WarnsThatItIsForOneReplica()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        using var services = Build(redis: null);

        Assert.IsType<InProcessQdrantWriteCoordinator>(services.GetRequiredService<IQdrantWriteCoordinator>());

        var warning = Assert.Single(services.GetFakeLogCollector().GetSnapshot(), record => record.Level == LogLevel.Warning);
        Assert.Contains("one RagApp.Rag replica", warning.Message, StringComparison.Ordinal);
        Assert.Contains("\"redis\" connection", warning.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public void WithRedis_TheRedisCoordinator_IsChosen_WithoutTheWarning()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        using var services = Build(redis: "127.0.0.1:1,abortConnect=false");

        Assert.IsType<RedisQdrantWriteCoordinator>(services.GetRequiredService<IQdrantWriteCoordinator>());

        Assert.DoesNotContain(services.GetFakeLogCollector().GetSnapshot(), record => record.Level >= LogLevel.Warning);
    }

    private static ServiceProvider Build(string? redis)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = Path.GetTempPath(),
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VectorStore:Provider"] = "Qdrant",
            ["ConnectionStrings:qdrant"] = "Endpoint=http://127.0.0.1:1",
            ["ConnectionStrings:redis"] = redis,
        });
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Trace);
        builder.AddVectorIndex();
        return builder.Services.BuildServiceProvider();
    }
}
