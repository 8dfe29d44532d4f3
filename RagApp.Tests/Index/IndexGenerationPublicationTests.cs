using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Grpc.V1;
using RagApp.Core.Redis;
using RagApp.Garnet;
using RagApp.Gateway.Caching;
using RagApp.Tests.Gateway;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Index;

/// <summary>
/// RagApp.Rag publishes its index generation token (<c>index:generation</c>, key and channel) to a real Garnet: the
/// loaded index's at start-up, and each write's before the write is acknowledged (upsert, batch upsert, delete); a new
/// process has a new identity, so a wiped index counting from 0 again replaces a later generation of the old one; and
/// after an outage the latest generation is published again, and the gateway's copy follows, unknown in between.
/// </summary>
public sealed class IndexGenerationPublicationTests : IDisposable
{
    private const int Timeout = 120_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _garnetDirectory = Directory.CreateTempSubdirectory("ragapp-generation-garnet-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();
    private readonly Random _random = new(20261203);

    private string ConnectionString => $"127.0.0.1:{_port},password={_password}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_garnetDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file; the temp folder goes eventually.
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task StartUp_PublishesTheLoadedGeneration_AndEveryWriteIsPublishedBeforeItIsAcknowledged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var data = new TestDirectory();
        using var garnet = StartGarnet(_garnetDirectory);
        // Written without Redis: the only token is then the one the restarted service publishes for the loaded index.
        await using (var first = await IndexServiceHost.StartAsync(data.Path))
        {
            await first.Client.UpsertAsync(TestDocument.Create("doc-1", _random, "one"));
            await first.Client.UpsertAsync(TestDocument.Create("doc-2", _random, "two"));
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        await using var host = await IndexServiceHost.StartAsync(data.Path, RedisSettings());
        var loaded = (await host.Client.StatsAsync()).Generation;
        var atStart = await Eventually.GetAsync(() => ReadTokenAsync(redis), "the start-up publication", Bound, cancellationToken);
        Assert.Equal(loaded, atStart.Generation);

        var announcements = Channel.CreateUnbounded<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.IndexGeneration), (_, message) => announcements.Writer.TryWrite(message!));

        var upserted = await host.Client.UpsertAsync(TestDocument.Create("doc-3", _random, "three"));
        // Read right after the acknowledgement: no waiting.
        Assert.Equal(new IndexGenerationToken(atStart.Identity, upserted.Generation), await ReadTokenAsync(redis));
        Assert.Equal($"{atStart.Identity} {upserted.Generation}", await NextAsync(announcements, cancellationToken));

        var batch = await host.Client.UpsertDocumentsAsync(
            new UpsertDocumentsRequest { Documents = { TestDocument.Create("doc-4", _random, "four").Upsert(), TestDocument.Create("doc-5", _random, "five").Upsert() } },
            cancellationToken: cancellationToken);
        var batchGeneration = batch.Results.Max(result => result.Generation);
        Assert.Equal(new IndexGenerationToken(atStart.Identity, batchGeneration), await ReadTokenAsync(redis));
        Assert.Equal($"{atStart.Identity} {batchGeneration}", await NextAsync(announcements, cancellationToken));

        var deleted = await host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "doc-1" }, cancellationToken: cancellationToken);
        Assert.True(deleted.Deleted);
        Assert.Equal(new IndexGenerationToken(atStart.Identity, deleted.Generation), await ReadTokenAsync(redis));
        Assert.Equal($"{atStart.Identity} {deleted.Generation}", await NextAsync(announcements, cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task WipedIndex_CountingFromZeroAgain_ReplacesTheLaterGenerationOfTheOldOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet(_garnetDirectory);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        IndexGenerationToken before;
        using (var data = new TestDirectory())
        {
            await using var host = await IndexServiceHost.StartAsync(data.Path, RedisSettings());
            for (var i = 0; i < 3; i++)
            {
                await host.Client.UpsertAsync(TestDocument.Create($"doc-{i}", _random, "text"));
            }

            before = (await ReadTokenAsync(redis))!;
            Assert.Equal(3, before.Generation);
        }

        using var wiped = new TestDirectory();
        await using var fresh = await IndexServiceHost.StartAsync(wiped.Path, RedisSettings());
        var after = await Eventually.MatchAsync(
            () => ReadTokenAsync(redis), token => token is not null && token.Identity != before.Identity,
            "the wiped index's token", Bound, cancellationToken);

        Assert.Equal(0, after!.Generation);
    }

    [Fact(Timeout = Timeout)]
    public async Task RedisBack_AfterAnOutage_TheLatestGenerationIsPublishedAgain_AndTheGatewayKnowsItAgain()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var data = new TestDirectory();
        var garnet = StartGarnet(_garnetDirectory);
        try
        {
            await using var host = await IndexServiceHost.StartAsync(data.Path, RedisSettings());
            await using var gateway = await GatewayHost.StartAsync(ConnectionString, host.Address);
            var watcher = gateway.Services.GetRequiredService<IndexGenerationWatcher>();
            await host.Client.UpsertAsync(TestDocument.Create("doc-1", _random, "one"));
            await Eventually.UntilAsync(() => Task.FromResult(watcher.Current is { Generation: 1 }), "the gateway to learn generation 1", Bound, cancellationToken);

            // Back without its data, nothing written meanwhile: the key is gone, and the unchanged generation is written again.
            garnet = await RestartWithoutDataAsync(garnet, watcher, cancellationToken);
            await AssertPublishedAsync(1, watcher, cancellationToken);

            // Written while Redis is down: acknowledged, and published once Redis is back.
            garnet.Dispose();
            await Eventually.UntilAsync(() => Task.FromResult(watcher.Current is null), "the gateway to forget the token while Redis is down", Bound, cancellationToken);
            var upserted = await host.Client.UpsertAsync(TestDocument.Create("doc-2", _random, "two"));
            Assert.Equal(2, upserted.Generation);
            garnet = StartGarnet(_garnetDirectory);
            await AssertPublishedAsync(2, watcher, cancellationToken);
        }
        finally
        {
            garnet.Dispose();
        }
    }

    private async Task<EmbeddedGarnetServer> RestartWithoutDataAsync(EmbeddedGarnetServer garnet, IndexGenerationWatcher watcher, CancellationToken cancellationToken)
    {
        garnet.Dispose();
        // Unknown while Redis is down: announcements made meanwhile would be missed.
        await Eventually.UntilAsync(() => Task.FromResult(watcher.Current is null), "the gateway to forget the token while Redis is down", Bound, cancellationToken);
        Directory.Delete(_garnetDirectory, recursive: true);
        return StartGarnet(_garnetDirectory);
    }

    private async Task AssertPublishedAsync(long generation, IndexGenerationWatcher watcher, CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var republished = await Eventually.MatchAsync(
            () => ReadTokenAsync(redis), token => token?.Generation == generation,
            $"generation {generation} published after Redis came back", Bound, cancellationToken);
        await Eventually.UntilAsync(() => Task.FromResult(watcher.Current == republished), "the gateway to read the token again", Bound, cancellationToken);
    }

    private EmbeddedGarnetServer StartGarnet(string directory) => EmbeddedGarnetServer.Start(new GarnetHostOptions
    {
        Port = _port,
        Password = _password,
        DataDirectory = directory,
    });

    private Dictionary<string, string?> RedisSettings() => new() { ["ConnectionStrings:redis"] = ConnectionString };

    private static async Task<IndexGenerationToken?> ReadTokenAsync(ConnectionMultiplexer redis) =>
        IndexGenerationToken.TryParse(await redis.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration), out var token) ? token : null;

    private static async Task<string> NextAsync(Channel<string> announcements, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Bound);
        return await announcements.Reader.ReadAsync(timeout.Token);
    }
}
