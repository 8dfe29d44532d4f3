using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace RagApp.Gateway.Errors;

/// <summary>
/// Answers 414 with problem details for a request target longer than <see cref="GatewayOptions.MaxUrlLength"/>.
/// Kestrel would answer an over-long request line itself, with an empty body; its limit is raised above this one.
/// </summary>
internal sealed class RequestTargetLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxUrlLength;
        var request = context.Request;
        var length = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (length <= limit)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status414UriTooLong;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status414UriTooLong,
                Title = "The request URL is too long.",
                Detail = $"The URL's path and query are {length} characters; the limit is {limit}. Ids are at most {Documents.DocumentIds.MaxLength} characters.",
            },
        });
    }
}
