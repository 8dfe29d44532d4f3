using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RagApp.Gateway.Errors;

namespace RagApp.Gateway.Apis;

/// <summary>
/// A 503 problem with <c>Retry-After</c> (<see cref="GatewayOptions.UnavailableRetryAfter"/>): a dependency is down, the
/// request was fine, and the client should know when trying again is worth it.
/// </summary>
internal sealed class RetryAfterProblemResult(ProblemDetails problem) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => problem.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var retryAfter = httpContext.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.UnavailableRetryAfter;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(problem).ExecuteAsync(httpContext);
    }
}
