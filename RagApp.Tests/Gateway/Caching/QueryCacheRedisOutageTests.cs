using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// With Redis stopped, the query cache fails open: questions (whole and streamed) are answered by RagApp.Rag, uncached
/// and quickly, never with an error because of the cache; and RagApp.Rag's index writes still succeed although their
/// generation cannot be published. Its own Garnet, RagApp.Rag and gateway, so that stopping Redis leaves the shared
/// ones alone.
/// </summary>
[Collection(QueryCacheCollection.Name)]
public sealed class QueryCacheRedisOutageTests
{
    private const int Timeout = 120_000;

    /// <summary>Well below the Redis client's command timeout (5 s): the connection fails fast while Redis is down.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(3);

    [Fact(Timeout = Timeout)]
    public async Task RedisStopped_QuestionsAreAnsweredUncached_AndIndexWritesStillSucceed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        var garnet = new GarnetQueueServerFixture();
        await garnet.InitializeAsync();
        var garnetStopped = false;
        try
        {
            await using var rag = await QueryCacheFixture.StartRagAsync(directory.Path, garnet.ConnectionString);
            await QueryCacheFixture.UpsertAsync(rag, "glacier", "Glaciers",
                ["A glacier forms where more snow falls in winter than melts in summer, and the snow is pressed into ice."],
                new Dictionary<string, string>());
            // Without the gateway's own copy of hot answers: until the client notices the connection is gone, that copy
            // would still answer (rightly: the generation it knows is still the index's), which is not what this looks at.
            await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, rag.Address,
                settings: new Dictionary<string, string?> { ["Gateway:Cache:LocalTimeToLive"] = "00:00:00" });
            await QueryCacheFixture.GatewayKnowsTokenAsync(gateway, garnet);
            var question = new { question = "How does a glacier form?" };
            await AskAsync(gateway, question, cancellationToken);
            Assert.True((await AskAsync(gateway, question, cancellationToken)).GetProperty("cached").GetBoolean(), "the question was not cached while Redis was up");

            await garnet.DisposeAsync();
            garnetStopped = true;

            var stopwatch = Stopwatch.StartNew();
            var whole = await AskAsync(gateway, question, cancellationToken);
            var wholeTook = stopwatch.Elapsed;
            Assert.False(whole.GetProperty("cached").GetBoolean(), "answered from the cache with Redis down");
            Assert.Equal("glacier", whole.GetProperty("sources")[0].GetProperty("document_id").GetString());
            Assert.True(wholeTook < AnswerBound, $"the question took {wholeTook.TotalSeconds:F1} s with Redis down; the bound is {AnswerBound.TotalSeconds} s");

            using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/query/stream") { Content = JsonContent.Create(question) })
            using (var streamed = await gateway.Client.SendAsync(request, cancellationToken))
            {
                var text = await streamed.Content.ReadAsStringAsync(cancellationToken);
                Assert.True(streamed.StatusCode == HttpStatusCode.OK, $"the stream answered {(int)streamed.StatusCode}: {text}");
                Assert.Contains("event: completed", text, StringComparison.Ordinal);
                Assert.DoesNotContain("event: error", text, StringComparison.Ordinal);
                Assert.Contains("\"cached\":false", text, StringComparison.Ordinal);
            }

            // The write is acknowledged although its generation cannot be published (retried in the background).
            stopwatch.Restart();
            var upsert = await QueryCacheFixture.UpsertAsync(rag, "glacier", "Glaciers",
                ["A glacier forms where snow piles up over many years and is pressed into dense blue ice."],
                new Dictionary<string, string>());
            Assert.True(upsert.ChunkCount == 1, "the index write failed with Redis down");
            Assert.True(stopwatch.Elapsed < AnswerBound, $"the index write took {stopwatch.Elapsed.TotalSeconds:F1} s with Redis down");
            var afterWrite = await AskAsync(gateway, question, cancellationToken);
            Assert.Contains("many years", afterWrite.GetProperty("sources")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!garnetStopped)
            {
                await garnet.DisposeAsync();
            }
        }
    }

    private static async Task<JsonElement> AskAsync(GatewayHost gateway, object request, CancellationToken cancellationToken)
    {
        using var response = await gateway.Client.PostAsJsonAsync("/api/v1/query", request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
