using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Gateway;

/// <summary>
/// Rate limits at the gateway: a bucket per API key (else per client address) and policy, in Redis, so that two gateway
/// replicas share it; 429 problem details with Retry-After past it. The buckets refill at one request a minute here, so
/// nothing refills while a test runs.
/// </summary>
public sealed class RateLimitTests(GarnetQueueServerFixture garnet) : IClassFixture<GarnetQueueServerFixture>
{
    private const int Timeout = 60_000;
    private const int Burst = 4;

    private static Dictionary<string, string?> Limited(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:PermitsPerMinute"] = "1",
            ["Gateway:RateLimits:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact(Timeout = Timeout)]
    public async Task PastTheLimit_Is429WithRetryAfter_TheLimitHoldingForTheSumOfTwoGateways()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = $"key-{Guid.NewGuid():N}";
        var settings = Limited(("Gateway:Access:ApiKeys", key));
        await using var first = await GatewayHost.StartAsync(garnet.ConnectionString, settings: settings);
        await using var second = await GatewayHost.StartAsync(garnet.ConnectionString, settings: settings);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Burst; i++)
        {
            using var response = await GetJobAsync(i % 2 == 0 ? first : second, key, cancellationToken: cancellationToken);
            statuses.Add(response.StatusCode);
        }

        using var refusedByFirst = await GetJobAsync(first, key, cancellationToken: cancellationToken);
        using var refusedBySecond = await GetJobAsync(second, key, cancellationToken: cancellationToken);

        // A job that does not exist: 404 means the request got past the limiter.
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.NotFound, status));
        foreach (var refused in new[] { refusedByFirst, refusedBySecond })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            // One request a minute: the next token is up to a minute away.
            Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task EachKey_AndEachPolicy_HasABucketOfItsOwn()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (spent, fresh) = ($"key-{Guid.NewGuid():N}", $"key-{Guid.NewGuid():N}");
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: Limited(("Gateway:Access:ApiKeys", $"{spent},{fresh}")));
        await SpendAsync(() => GetJobAsync(gateway, spent, cancellationToken: cancellationToken));

        using var otherKey = await GetJobAsync(gateway, fresh, cancellationToken: cancellationToken);
        using var upload = await UploadAsync(gateway, spent, cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task Uploads_FollowTheirOwnLimit()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = $"key-{Guid.NewGuid():N}";
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: Limited(
            ("Gateway:Access:ApiKeys", key), ("Gateway:RateLimits:Uploads:Burst", "1")));

        using var firstUpload = await UploadAsync(gateway, key, cancellationToken: cancellationToken);
        using var secondUpload = await UploadAsync(gateway, key, cancellationToken: cancellationToken);
        using var job = await GetJobAsync(gateway, key, cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, firstUpload.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, secondUpload.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task ForwardedFor_NamesTheClient_OnlyBehindATrustedProxy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Open API: the bucket is the client address's.
        await using var untrusting = await GatewayHost.StartAsync(garnet.ConnectionString, settings: Limited());
        await using var trusting = await GatewayHost.StartAsync(garnet.ConnectionString, settings: Limited(("Gateway:Proxy:TrustedProxies:0", "127.0.0.1")));
        var (one, other) = ("10.20.30.40", "10.20.30.41");

        await SpendAsync(() => GetJobAsync(untrusting, forwardedFor: one, cancellationToken: cancellationToken));
        using var untrustedOther = await GetJobAsync(untrusting, forwardedFor: other, cancellationToken: cancellationToken);
        await SpendAsync(() => GetJobAsync(trusting, forwardedFor: one, cancellationToken: cancellationToken));
        using var trustedOther = await GetJobAsync(trusting, forwardedFor: other, cancellationToken: cancellationToken);

        // Without trust the header is ignored: every request is 127.0.0.1's, whatever it claims.
        Assert.Equal(HttpStatusCode.TooManyRequests, untrustedOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, trustedOther.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task HighLimits_LeaseTokensInBatches_AndTheSumOfTwoGatewaysStillStopsAtTheBucket()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // A frozen clock: nothing refills, so exactly the bucket's 150 tokens can be spent, whichever replica leased them.
        var (key, clock, settings) = FrozenBucket(burst: 150);
        await using var first = await GatewayHost.StartAsync(garnet.ConnectionString, settings: settings, services: services => services.AddSingleton<TimeProvider>(clock));
        await using var second = await GatewayHost.StartAsync(garnet.ConnectionString, settings: settings, services: services => services.AddSingleton<TimeProvider>(clock));

        var allowed = 0;
        for (var i = 0; i < 400; i++)
        {
            using var response = await GetJobAsync(i % 2 == 0 ? first : second, key, cancellationToken: cancellationToken);
            allowed += response.StatusCode == HttpStatusCode.NotFound ? 1 : 0;
        }

        Assert.Equal(100, RagApp.Gateway.RateLimiting.RedisBucketRateLimiter.LeaseSize(60000, 150));
        Assert.Equal(150, allowed);
    }

    [Fact(Timeout = Timeout)]
    public async Task ConcurrentRequests_ShareOneLeaseAtATime_SoNoLeasedTokenIsLost()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Frozen: nothing refills, so every token of the bucket is spent exactly once if none is thrown away.
        var (key, clock, settings) = FrozenBucket(burst: 700);
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: settings, services: services => services.AddSingleton<TimeProvider>(clock));

        var allowed = 0;
        for (var wave = 0; wave < 900 / 60; wave++)
        {
            // 60 at once: most find the local lease empty together and must wait for one refill, not take one each.
            var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => GetJobAsync(gateway, key, cancellationToken: cancellationToken)));
            allowed += responses.Count(response => response.StatusCode == HttpStatusCode.NotFound);
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.Equal(700, allowed);
    }

    /// <summary>Sends until the limiter refuses (a bucket may already be partly spent by an earlier test of the same client).</summary>
    private static async Task SpendAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; i <= Burst; i++)
        {
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return;
            }
        }

        Assert.Fail($"No 429 after {Burst + 1} requests with a burst of {Burst}.");
    }

    private static async Task<HttpResponseMessage> GetJobAsync(GatewayHost gateway, string? key = null, string? forwardedFor = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs/no-such-job");
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await gateway.Client.SendAsync(request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> UploadAsync(GatewayHost gateway, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = JsonContent.Create(new { text = "Counted as an upload." }) };
        request.Headers.Add("X-Api-Key", key);
        return await gateway.Client.SendAsync(request, cancellationToken);
    }

    /// <summary>One API key with a bucket of <paramref name="burst"/> tokens at 1,000 a second, and a clock that never moves.</summary>
    private static (string Key, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock, Dictionary<string, string?> Settings) FrozenBucket(int burst)
    {
        var key = $"key-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Access:ApiKeys"] = key,
            ["Gateway:RateLimits:PermitsPerMinute"] = "60000",
            ["Gateway:RateLimits:Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return (key, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow), settings);
    }
}
