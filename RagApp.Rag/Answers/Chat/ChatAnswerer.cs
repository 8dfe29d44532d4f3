using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagApp.Core.Documents;
using RagApp.Rag.Retrieval;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// Answers with a chat model over the grounded prompt (<see cref="ChatPrompt"/>), on the fast or the strong deployment
/// as <see cref="ChatRouter"/> decides, streaming the model's tokens as they come. The model's citation markers are
/// mapped back to the sources (<see cref="ChatCitations"/>); the abstention phrase makes the answer an abstention.
/// Confidence is the best retrieval score among the cited sources (half the best source's when the model cites
/// none), 0 for an abstention.
/// <para>
/// A model that throws, sends no token within Rag:Chat:FirstTokenTimeout, takes longer than Rag:Chat:Timeout in all,
/// or writes nothing never fails the query: the extractive answer is given instead, with <c>FellBack</c> set. When the
/// model failed before its first token, the stream carries the extractive answer's deltas as usual. When it failed
/// after some tokens went out, no more deltas follow: the completion carries the extractive answer, whose text then
/// differs from the deltas, and a client shows the completion's text in place of what it streamed. Only the caller's
/// own cancellation is thrown.
/// </para>
/// </summary>
internal sealed partial class ChatAnswerer(
    ChatDeployments deployments,
    ExtractiveAnswerer extractive,
    IOptions<ChatAnswerOptions> options,
    ChatTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<ChatAnswerer> logger) : IAnswerer
{
    private readonly ChatAnswerOptions _options = options.Value;

    public string Name => Answerers.Chat;

    public async Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        // One path for both calls: streaming lets the first-token timeout apply to Query as well.
        await foreach (var update in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (update.Done is { } done)
            {
                return done;
            }
        }

        throw new InvalidOperationException("The chat answer's stream ended without a composed answer.");
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = ChatRouter.Decide(request, _options);
        var deployment = deployments.For(decision.Route);
        telemetry.RecordRoute(decision, deployment.Name);
        LogRouted(decision.Route, deployment.Name, decision.Reason);

        var chatOptions = new ChatOptions { MaxOutputTokens = _options.MaxOutputTokens, Temperature = _options.Temperature };
        var messages = ChatPrompt.Build(request, _options.MaxHistoryTurns);
        using var total = new CancellationTokenSource(_options.Timeout, timeProvider);
        using var firstToken = new CancellationTokenSource(_options.FirstTokenTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token, firstToken.Token);

        var text = new StringBuilder();
        var sent = false;
        string? failure = null;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            while (true)
            {
                string delta;
                try
                {
                    updates ??= deployment.Client.GetStreamingResponseAsync(messages, chatOptions, linked.Token).GetAsyncEnumerator(linked.Token);
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    delta = updates.Current.Text;
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = total.IsCancellationRequested ? FallbackReasons.Timeout
                        : firstToken.IsCancellationRequested && !sent ? FallbackReasons.FirstTokenTimeout
                        : FallbackReasons.Error;
                    LogModelFailed(exception, deployment.Name, failure, sent);
                    break;
                }

                if (delta.Length == 0)
                {
                    continue;
                }

                if (!sent)
                {
                    // The model has started; from now on only the total timeout applies.
                    firstToken.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
                    sent = true;
                }

                text.Append(delta);
                yield return AnswerUpdate.Text(delta);
            }
        }
        finally
        {
            await DisposeQuietlyAsync(updates).ConfigureAwait(false);
        }

        if (failure is null && string.IsNullOrWhiteSpace(text.ToString()))
        {
            failure = FallbackReasons.Empty;
            LogModelEmpty(deployment.Name);
        }

        if (failure is not null)
        {
            telemetry.RecordFallback(failure);
            if (!sent)
            {
                await foreach (var update in extractive.StreamAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    yield return update.Done is { } done ? AnswerUpdate.Completed(FallenBack(done, decision)) : update;
                }
            }
            else
            {
                var done = await extractive.AnswerAsync(request, cancellationToken).ConfigureAwait(false);
                yield return AnswerUpdate.Completed(FallenBack(done, decision));
            }

            yield break;
        }

        yield return AnswerUpdate.Completed(Compose(text.ToString(), request.Passages) with
        {
            Answerer = Answerers.Chat,
            Model = deployment.Name,
            Route = decision.Route,
        });
    }

    /// <summary>The model's text with its citations resolved, and how far the cited sources support it.</summary>
    internal static ComposedAnswer Compose(string modelText, IReadOnlyList<AnswerPassage> passages)
    {
        var (text, cited) = ChatCitations.Resolve(modelText, passages);
        if (IsAbstention(text))
        {
            return new ComposedAnswer(text, [], 0f, Abstained: true);
        }

        var confidence = cited.Count > 0
            ? passages.Where(passage => cited.Contains(passage.Number)).Max(passage => passage.Score)
            : passages.Count > 0 ? passages.Max(passage => passage.Score) / 2 : 0f;
        return new ComposedAnswer(text, cited, Math.Clamp(confidence, 0f, 1f), Abstained: false);
    }

    /// <summary>The phrase anywhere in the answer (models add a word or change the case): the sources did not answer.</summary>
    private static bool IsAbstention(string text) =>
        Normalize(text).Contains(Normalize(ChatPrompt.AbstentionPhrase), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string text) =>
        TextWhiteSpace.Collapse(text).TrimEnd('.');

    // The extractive answer, saying which route was tried; it names no chat model since none wrote it.
    private static ComposedAnswer FallenBack(ComposedAnswer answer, RouteDecision decision) =>
        answer with { Answerer = Answerers.Extractive, Model = "", Route = decision.Route, FellBack = true };

    private async Task DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate>? updates)
    {
        if (updates is null)
        {
            return;
        }

        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The answer is settled by now; a connection that fails to close must not change it.
            LogDisposeFailed(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chat answer routed to {Route} ({Model}): {Reason}")]
    private partial void LogRouted(string route, string model, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat model {Model} failed ({Reason}, after tokens: {Started}); answering with the extractive answer")]
    private partial void LogModelFailed(Exception exception, string model, string reason, bool started);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat model {Model} wrote an empty answer; answering with the extractive answer")]
    private partial void LogModelEmpty(string model);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the chat model's stream failed")]
    private partial void LogDisposeFailed(Exception exception);
}
