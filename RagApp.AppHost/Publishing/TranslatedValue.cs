using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// A model value as the cluster sees it: literal text in which every parameter appears as a Kubernetes dependent
/// environment variable reference, <c>$(NAME)</c>, so that a secret's value is only ever read from its Secret.
/// </summary>
public sealed record TranslatedValue(string Text, IReadOnlyList<ParameterResource> Parameters)
{
    /// <summary>The parameter this value is exactly, if it is one and nothing else.</summary>
    public ParameterResource? SoleParameter =>
        Parameters.Count == 1 && Text == ParameterVariables.Reference(Parameters[0]) ? Parameters[0] : null;
}
