using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace RagApp.Gateway.Rag;

/// <summary>
/// Gives every call to RagApp.Rag a deadline of at most <see cref="RagCallOptions.Deadline"/> from now: a call that set
/// an earlier one keeps it, one without any gets the bound. Server-streamed calls (a question's answer streaming) keep
/// the deadline their caller set, which is the question's whole time; only one without any gets the bound.
/// </summary>
internal sealed class RagDeadlineInterceptor(IOptions<RagCallOptions> options, TimeProvider timeProvider) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context, streaming: false));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context, streaming: false));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Bounded(context, streaming: true));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Bounded(context, streaming: false));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Bounded(context, streaming: true));

    private ClientInterceptorContext<TRequest, TResponse> Bounded<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, bool streaming)
        where TRequest : class
        where TResponse : class
    {
        var bound = timeProvider.GetUtcNow().UtcDateTime + options.Value.Deadline;
        var deadline = context.Options.Deadline switch
        {
            null => bound,
            { } set when streaming || set <= bound => set,
            _ => bound,
        };
        return deadline == context.Options.Deadline
            ? context
            : new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(deadline));
    }
}
