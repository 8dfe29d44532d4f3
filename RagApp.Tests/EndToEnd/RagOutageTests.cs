using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.Tests.EndToEnd;

[Collection(GarnetAppCollection.Name)]
public sealed class RagOutageTests(GarnetAppFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StoppingRag_TurnsGatewayHealthTo503_AndStartingItBringsBack200()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.CreateGatewayClient();

        var stop = await fixture.ExecuteCommandAsync("rag", KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stop.Success, stop.Message);
        try
        {
            var (status, ragStatus) = await PollHealthAsync(client, HttpStatusCode.ServiceUnavailable, cancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unhealthy", ragStatus);
        }
        finally
        {
            var start = await fixture.ExecuteCommandAsync("rag", KnownResourceCommands.StartCommand, cancellationToken);
            Assert.True(start.Success, start.Message);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Patience);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("rag", timeout.Token);
        }

        var (recovered, ragRecovered) = await PollHealthAsync(client, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, recovered);
        Assert.Equal("healthy", ragRecovered);
    }

    /// <summary>Polls the gateway's health until it answers <paramref name="wanted"/> or patience runs out.</summary>
    private static async Task<(HttpStatusCode Status, string? Rag)> PollHealthAsync(
        HttpClient client, HttpStatusCode wanted, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await client.GetAsync("/api/v1/health", cancellationToken);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var rag = body.RootElement.GetProperty("dependencies").GetProperty("rag").GetProperty("status").GetString();
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline)
            {
                return (response.StatusCode, rag);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
