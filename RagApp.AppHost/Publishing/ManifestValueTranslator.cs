using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// Turns the values the resources' environment and argument callbacks produce in publish mode (parameters, endpoint
/// references, connection strings, reference expressions) into text for the cluster: endpoints become the Service's
/// DNS name and port, parameters <c>$(VAR)</c> references. Values that only make sense on a developer machine (HTTPS
/// endpoints: TLS ends at the Ingress) are reported as unsupported so that the caller can leave the variable out.
/// </summary>
public sealed class ManifestValueTranslator(ClusterPorts ports)
{
    public TranslatedValue Translate(object value)
    {
        var parameters = new List<ParameterResource>();
        var text = Render(value, parameters, encodeUri: false);
        return new(text, parameters.Distinct().ToList());
    }

    private string Render(object? value, List<ParameterResource> parameters, bool encodeUri)
    {
        switch (value)
        {
            case null:
                return "";
            case string text:
                return encodeUri ? Uri.EscapeDataString(text) : text;
            case ParameterResource parameter:
                // A $(VAR) reference cannot be URI-encoded in the cluster; the generated passwords have no characters that need it.
                parameters.Add(parameter);
                return ParameterVariables.Reference(parameter);
            case EndpointReference endpoint:
                return Endpoint(endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return Endpoint(expression.Endpoint, expression.Property);
            case ConnectionStringReference reference:
                return Render(reference.Resource.ConnectionStringExpression, parameters, encodeUri);
            case IResourceWithConnectionString resource:
                return Render(resource.ConnectionStringExpression, parameters, encodeUri);
            case ReferenceExpression expression when expression.IsConditional:
                var condition = Render(expression.Condition, parameters, encodeUri: false);
                var branch = string.Equals(condition, expression.MatchValue, StringComparison.OrdinalIgnoreCase)
                    ? expression.WhenTrue
                    : expression.WhenFalse;
                return Render(branch, parameters, encodeUri);
            case ReferenceExpression expression:
                var arguments = new object[expression.ValueProviders.Count];
                for (var i = 0; i < arguments.Length; i++)
                {
                    var format = i < expression.StringFormats.Count ? expression.StringFormats[i] : null;
                    arguments[i] = Render(expression.ValueProviders[i], parameters, encodeUri || format == "uri");
                }

                return string.Format(CultureInfo.InvariantCulture, expression.Format, arguments);
            case IFormattable formattable:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                throw new KubernetesPublishException(
                    $"A value of type {value.GetType().FullName} ({(value as IManifestExpressionProvider)?.ValueExpression}) has no Kubernetes form.");
        }
    }

    private string Endpoint(EndpointReference endpoint, EndpointProperty property)
    {
        var annotation = endpoint.EndpointAnnotation;
        if (!ClusterPorts.IsServed(annotation))
        {
            throw new UnsupportedEndpointException(endpoint.Resource.Name, annotation.Name);
        }

        var port = ports.PortOf(endpoint.Resource, annotation.Name).ToString(CultureInfo.InvariantCulture);
        var host = endpoint.Resource.Name;
        return property switch
        {
            EndpointProperty.Url => $"{annotation.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => annotation.UriScheme,
            // Inside the cluster the services talk plain TCP/HTTP; TLS ends at the Ingress.
            EndpointProperty.TlsEnabled => bool.FalseString,
            _ => throw new KubernetesPublishException($"The endpoint property {property} of {host}/{annotation.Name} has no Kubernetes form."),
        };
    }
}
