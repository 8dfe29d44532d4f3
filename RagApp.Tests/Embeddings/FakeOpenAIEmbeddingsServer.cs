using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace RagApp.Tests.Embeddings;

/// <summary>
/// A stand-in for the OpenAI / Azure OpenAI embeddings endpoint on loopback (the real ones cannot be reached
/// here). It records each request and answers with vectors derived from each input: [index + 1, input length, 0.5, …].
/// </summary>
internal sealed class FakeOpenAIEmbeddingsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIEmbeddingsServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseAddress => new(_app.Urls.First());

    public static async Task<FakeOpenAIEmbeddingsServer> StartAsync(CancellationToken cancellationToken)
    {
        // Empty: the test output holds the services' appsettings.json, whose Kestrel endpoints must not apply here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOpenAIEmbeddingsServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        return server;
    }

    public static float[] VectorFor(int index, string input, int dimensions)
    {
        var vector = Enumerable.Repeat(0.5f, dimensions).ToArray();
        vector[0] = index + 1;
        vector[1] = input.Length;
        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        Requests.Enqueue(new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), body));

        var inputs = body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToArray() : [body["input"]!.GetValue<string>()];
        var dimensions = body["dimensions"]?.GetValue<int>() ?? 3;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var vector = VectorFor(i, inputs[i], dimensions);
            JsonNode embedding = base64
                ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
                : new JsonArray(vector.Select(x => (JsonNode)x).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Length * 3, ["total_tokens"] = inputs.Length * 3 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
    }

    public sealed record RecordedRequest(string Path, string Authorization, JsonObject Body)
    {
        public string[] Inputs => Body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToArray() : [];
    }
}
