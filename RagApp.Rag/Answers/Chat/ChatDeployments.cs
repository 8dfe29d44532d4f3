namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// The two routes' models. One client per deployment, because the OpenAI chat client is bound to its model and
/// ignores a per-request <c>ChatOptions.ModelId</c> (dotnet/extensions#6765).
/// </summary>
internal sealed class ChatDeployments(ChatDeployment fast, ChatDeployment strong)
{
    public ChatDeployment Fast { get; } = fast;

    public ChatDeployment Strong { get; } = strong;

    public ChatDeployment For(string route) => route == ChatRoutes.Strong ? Strong : Fast;
}
