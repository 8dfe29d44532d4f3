namespace RagApp.Gateway.Caching;

/// <summary>A 200 with a <see cref="PreparedAnswer"/>'s bytes and this hit's latency, as <c>TypedResults.Ok</c> would write it.</summary>
internal sealed class PreparedAnswerResult(PreparedAnswer answer, TimeSpan latency) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        Span<byte> number = stackalloc byte[32];
        var written = PreparedAnswer.FormatLatency(latency, number);
        var length = answer.LengthWith(written);
        response.ContentLength = length;
        var writer = response.BodyWriter;
        answer.CopyTo(writer.GetSpan(length), number[..written]);
        writer.Advance(length);
        var flush = writer.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}
