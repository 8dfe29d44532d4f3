using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace RagApp.Gateway.Access;

/// <summary>
/// Reads the key from <c>X-Api-Key</c> or <c>Authorization: Bearer</c> and, when it is one of the ring's, signs the
/// request in as that key (its fingerprint). A missing or wrong key is answered 401 with problem details that say how
/// to send one and never repeat what was sent.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRing ring,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ring.IsOpen)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = PresentedKey(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (ring.Identify(Context, presented) is not { } fingerprint)
        {
            LogRejected(Logger, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ApiKeyDefaults.FingerprintClaim, fingerprint)], ApiKeyDefaults.Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyDefaults.Scheme)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{ApiKeyDefaults.Scheme}, Bearer";
        var invalid = PresentedKey(Request) is not null;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = invalid ? "The API key is not valid." : "An API key is required.",
                Detail = $"Send one of the gateway's API keys in the {ApiKeyDefaults.Header} header or as 'Authorization: Bearer <key>'.",
            },
        });
    }

    /// <summary>The key a request carries: <c>X-Api-Key</c> first, then a bearer token; null when it carries none.</summary>
    internal static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[ApiKeyDefaults.Header].ToString();
        if (!string.IsNullOrWhiteSpace(header))
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(ApiKeyDefaults.BearerPrefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > ApiKeyDefaults.BearerPrefix.Length
            ? authorization[ApiKeyDefaults.BearerPrefix.Length..].Trim()
            : null;
    }

    // The path only: never the key, nor a header that holds it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a request to {Path}: its API key is none of the configured ones.")]
    private static partial void LogRejected(ILogger logger, PathString path);
}
