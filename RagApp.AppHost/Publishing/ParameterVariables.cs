using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Publishing;

/// <summary>How parameters appear in the manifests: secret ones in a Secret of their own name, the others in the ConfigMap.</summary>
public static class ParameterVariables
{
    public const string ConfigMapName = "ragapp-config";
    public const string SecretKey = "value";
    public const string Placeholder = "PLACEHOLDER";

    /// <summary>The container variable that carries the parameter for composed values (e.g. <c>RAGAPP_PARAM_REDIS_PASSWORD</c>).</summary>
    public static string VariableName(ParameterResource parameter) =>
        "RAGAPP_PARAM_" + parameter.Name.ToUpperInvariant().Replace('-', '_').Replace('.', '_');

    public static string Reference(ParameterResource parameter) => string.Create(CultureInfo.InvariantCulture, $"$({VariableName(parameter)})");
}
