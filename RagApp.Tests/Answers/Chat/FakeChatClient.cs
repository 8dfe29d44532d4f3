using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// A stand-in for a hosted chat model, which cannot run here: it plays a script (tokens to send, then optionally a
/// failure or a stall until cancelled) and records every request. <see cref="Called"/> completes at the first request,
/// so a test can wait for the model to be asked before it moves the clock.
/// </summary>
internal sealed class FakeChatClient : IChatClient
{
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Tokens sent in order.</summary>
    public IReadOnlyList<string> Tokens { get; set; } = [];

    /// <summary>Thrown after the tokens, when set.</summary>
    public Exception? FailAfterTokens { get; set; }

    /// <summary>After the tokens, wait until the request is cancelled (a model that stops answering).</summary>
    public bool StallAfterTokens { get; set; }

    public ConcurrentQueue<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = new();

    public Task Called => _called.Task;

    /// <summary>The cancellation token of the latest request: cancelled as soon as the caller gives up on the model.</summary>
    public CancellationToken LastToken { get; private set; }

    public static FakeChatClient Replying(params string[] tokens) => new() { Tokens = tokens };

    public static FakeChatClient Throwing(Exception exception) => new() { FailAfterTokens = exception };

    public static FakeChatClient Silent() => new() { StallAfterTokens = true };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text.Append(update.Text);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(([.. messages], options));
        LastToken = cancellationToken;
        _called.TrySetResult();
        foreach (var token in Tokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, token);
        }

        if (FailAfterTokens is { } failure)
        {
            throw failure;
        }

        if (StallAfterTokens)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
