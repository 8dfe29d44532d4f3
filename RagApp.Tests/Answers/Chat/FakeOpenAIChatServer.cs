using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// A stand-in for an OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI's v1, Ollama's /v1) on loopback,
/// since none can be reached here: it records each request and replies with <see cref="Tokens"/>, as server-sent
/// events when the request streams, as one completion otherwise.
/// </summary>
internal sealed class FakeOpenAIChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIChatServer(WebApplication app) => _app = app;

    public IReadOnlyList<string> Tokens { get; set; } = [];

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseAddress => new(_app.Urls.First());

    public static async Task<FakeOpenAIChatServer> StartAsync(CancellationToken cancellationToken)
    {
        // Empty: the test output holds the services' appsettings.json, whose Kestrel endpoints must not apply here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOpenAIChatServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        return server;
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
        var model = body["model"]!.GetValue<string>();
        if (body["stream"]?.GetValue<bool>() == true)
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var token in Tokens)
            {
                await WriteEventAsync(context, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = token }, null));
            }

            await WriteEventAsync(context, Chunk(model, new JsonObject(), "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
            return;
        }

        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(Tokens) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = Tokens.Count, ["total_tokens"] = 10 + Tokens.Count },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString(), context.RequestAborted);
    }

    private static JsonObject Chunk(string model, JsonObject delta, string? finishReason) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static async Task WriteEventAsync(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync($"data: {data.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public sealed record RecordedRequest(string Path, string Authorization, JsonObject Body)
    {
        public IReadOnlyList<(string Role, string Content)> Messages =>
            [.. Body["messages"]!.AsArray().Select(message => (message!["role"]!.GetValue<string>(), Content(message["content"])))];

        // The client sends content as a string or as a list of text parts.
        private static string Content(JsonNode? content) => content switch
        {
            JsonArray parts => string.Concat(parts.Select(part => part!["text"]?.GetValue<string>())),
            JsonNode node => node.GetValue<string>(),
            _ => "",
        };
    }
}
