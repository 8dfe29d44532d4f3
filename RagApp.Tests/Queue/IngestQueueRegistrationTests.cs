using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

public sealed class IngestQueueRegistrationTests(GarnetQueueServerFixture server) : IClassFixture<GarnetQueueServerFixture>
{
    [Fact]
    public async Task AddIngestQueue_BindsIngestQueueSection_AndServesBothInterfacesFromOneConnection()
    {
        using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["Ingest:Queue:QueueName"] = "registration-" + Guid.NewGuid().ToString("N"),
            ["Ingest:Queue:MaxQueuedBytes"] = "2048",
            ["Ingest:Queue:LeaseDuration"] = "00:00:30",
        });

        var options = provider.GetRequiredService<IOptions<IngestQueueOptions>>().Value;
        var queue = provider.GetRequiredService<IIngestQueue>();
        var statuses = provider.GetRequiredService<IJobStatusStore>();
        var job = TestJobs.Create();
        await queue.EnqueueAsync(job, new byte[16], TestContext.Current.CancellationToken);

        Assert.Equal((2048L, TimeSpan.FromSeconds(30)), (options.MaxQueuedBytes, options.LeaseDuration));
        Assert.Same(queue, provider.GetRequiredService<IIngestQueue>());
        Assert.Equal(JobState.Queued, (await statuses.GetAsync(job.JobId, TestContext.Current.CancellationToken))?.State);
        await Assert.ThrowsAsync<QueueFullException>(() => queue.EnqueueAsync(TestJobs.Create(), new byte[2040], TestContext.Current.CancellationToken));
        // Jobs an earlier version queued under the former key names are moved at every start.
        Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LegacyQueueKeyMigration>());
    }

    [Theory]
    [InlineData("QueueName", "has:colon")]
    [InlineData("MaxQueuedBytes", "0")]
    [InlineData("MaxAttempts", "0")]
    [InlineData("LeaseDuration", "00:00:00")]
    [InlineData("MaxRetryDelay", "00:00:01")]
    public void AddIngestQueue_RejectsInvalidSettings(string setting, string value)
    {
        using var provider = BuildProvider(new Dictionary<string, string?> { [$"Ingest:Queue:{setting}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IngestQueueOptions>>().Value);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(server.Redis);
        services.AddIngestQueue();
        return services.BuildServiceProvider();
    }
}
