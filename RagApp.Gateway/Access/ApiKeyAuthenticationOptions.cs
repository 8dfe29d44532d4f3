using Microsoft.AspNetCore.Authentication;

namespace RagApp.Gateway.Access;

/// <summary>Options of <see cref="ApiKeyAuthenticationHandler"/>; the keys themselves come from <see cref="AccessOptions"/>.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;
