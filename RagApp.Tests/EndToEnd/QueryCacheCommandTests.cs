using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.AppHost.Commands;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The query cache through the whole application as the AppHost wires it: a document ingested by the worker, a repeated
/// question answered from the cache (RagApp.Rag publishes its index generation to the shared Redis), and the dashboard's
/// "Flush query cache" command emptying it.
/// </summary>
[Collection(GarnetAppCollection.Name)]
public sealed class QueryCacheCommandTests(GarnetAppFixture fixture)
{
    [Fact(Timeout = 600_000)]
    public async Task RepeatedQuestion_IsCached_UntilTheFlushCommandEmptiesTheCache()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.WaitUntilHealthyAsync(cancellationToken);
        var api = fixture.CreateGatewayApi();
        var accepted = await api.UploadTextAsync(
            "The Gull Island lighthouse is kept by Alice Brown, who lights its lamp every evening at dusk.",
            "The Gull Island lighthouse", "e2e-cache-lighthouse", cancellationToken: cancellationToken);
        var job = await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, cancellationToken);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var question = new { question = "Who keeps the Gull Island lighthouse?" };

        var first = await AskAsync(api, question, cancellationToken);
        var second = await AskAsync(api, question, cancellationToken);
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean(), "the repeated question was not answered from the cache");
        Assert.Equal(first.GetProperty("answer").GetString(), second.GetProperty("answer").GetString());

        var result = await fixture.ExecuteCommandAsync("gateway", FlushQueryCacheCommandExtensions.CommandName, cancellationToken);

        Assert.True(result.Success, result.Message);
        Assert.Matches(@"^Query cache flushed: [1-9]\d* key\(s\) deleted\.$", result.Message);
        Assert.False((await AskAsync(api, question, cancellationToken)).GetProperty("cached").GetBoolean(), "an answer survived the flush");
    }

    private static async Task<JsonElement> AskAsync(GatewayApi api, object question, CancellationToken cancellationToken)
    {
        using var response = await api.Client.PostAsJsonAsync("/api/v1/query", question, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await GatewayApi.ReadJsonAsync(response, cancellationToken);
    }
}
