using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.Tests.EndToEnd;

/// <summary>The foundation checks, run against each local Redis-compatible server.</summary>
public abstract class ApplicationHealthTests<TFixture>(TFixture fixture) where TFixture : RagAppFixture
{
    protected TFixture Fixture { get; } = fixture;

    [Fact]
    public async Task EveryResource_IsHealthy()
    {
        SkipWhenUnavailable();
        // Health is probed every few seconds, and one probe can fail on a loaded machine (or while another test's
        // restart settles): wait, bounded, for every resource to report healthy, rather than read one snapshot.
        await Fixture.WaitUntilHealthyAsync(TestContext.Current.CancellationToken);
        foreach (var resource in RagAppFixture.Resources)
        {
            Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"{resource} has no state");
            Assert.Equal(KnownResourceStates.Running, state.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task GatewayHealth_Returns200_WithRedisAndRagHealthy()
    {
        SkipWhenUnavailable();
        using var client = Fixture.CreateGatewayClient();

        using var response = await client.GetAsync("/api/v1/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        var dependencies = body.RootElement.GetProperty("dependencies");
        Assert.Equal("healthy", dependencies.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("healthy", dependencies.GetProperty("rag").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Redis_RefusesClientWithoutPassword_AndAnswersWithIt()
    {
        SkipWhenUnavailable();
        var cancellationToken = TestContext.Current.CancellationToken;

        var anonymous = await RedisProtocol.SendAsync(Fixture.RedisEndpoint, [["PING"], ["SET", "probe", "1"]], cancellationToken);
        var wrongPassword = await RedisProtocol.SendAsync(Fixture.RedisEndpoint, [["AUTH", "not-the-password"], ["PING"]], cancellationToken);
        var authenticated = await RedisProtocol.SendAsync(Fixture.RedisEndpoint, [["AUTH", Fixture.RedisPassword], ["PING"]], cancellationToken);

        Assert.All(anonymous, reply => Assert.StartsWith("-NOAUTH", reply, StringComparison.Ordinal));
        Assert.StartsWith("-", wrongPassword[0], StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", wrongPassword[1], StringComparison.Ordinal);
        Assert.Equal(["+OK", "+PONG"], authenticated);
    }

    [Fact]
    public async Task Rag_KeepsASessionsTurns_InTheApplicationsRedis_WithAnExpiry()
    {
        SkipWhenUnavailable();
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid().ToString();
        var key = RagApp.Core.Redis.RedisKeys.SessionPrefix + session;

        var response = await Fixture.CreateRagClient().QueryAsync(
            new RagApp.Core.Grpc.V1.QueryRequest { Question = "What is kept between two questions?", SessionId = session }, cancellationToken: cancellationToken);
        var replies = await RedisProtocol.SendAsync(Fixture.RedisEndpoint, [["AUTH", Fixture.RedisPassword], ["LLEN", key], ["PTTL", key]], cancellationToken);

        Assert.NotEmpty(response.Answer);
        Assert.Equal(["+OK", ":1"], replies.Take(2));
        Assert.True(long.Parse(replies[2].TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture) > 0, $"PTTL {replies[2]}: the session has no expiry");
    }

    protected void SkipWhenUnavailable() => Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? "");
}
