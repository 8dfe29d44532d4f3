using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace RagApp.Gateway.Errors;

/// <summary>
/// Gives the status Kestrel and the framework meant (<see cref="BadHttpRequestException.StatusCode"/>: 400 for a body
/// that cannot be read or bound, 408 for a body that arrives too slowly, 413 for one too large) as problem details,
/// instead of the 500 an unhandled exception would be. The detail is ours: the exception's message names .NET types.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogBadRequest(logger, httpContext.Request.Method, httpContext.Request.Path, badRequest.StatusCode);
        var (title, detail) = badRequest.StatusCode switch
        {
            StatusCodes.Status408RequestTimeout => (
                "The request body arrived too slowly.",
                "The request body did not arrive at the minimum data rate; nothing was queued. Send the request again."),
            StatusCodes.Status413PayloadTooLarge => (
                "The request is too large.",
                "The request body is larger than this endpoint accepts; nothing was queued."),
            StatusCodes.Status431RequestHeaderFieldsTooLarge => (
                "The request headers are too large.",
                "The request's headers are larger than the server accepts."),
            _ => (
                "The request could not be read.",
                "The request is malformed: its body or parameters could not be read."),
        };

        var problem = new ProblemDetails { Status = badRequest.StatusCode, Title = title, Detail = detail };
        if (ParameterBinding.Describe(badRequest.Message) is var (field, message))
        {
            problem.Title = "The request is not valid.";
            problem.Detail = $"{field}: {message}";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bad request {Method} {Path}: answered {StatusCode}")]
    private static partial void LogBadRequest(ILogger logger, string method, PathString path, int statusCode);
}
