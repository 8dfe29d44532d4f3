using RagApp.Core.AI;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// The "chat" connection string: the common keys of <see cref="ModelConnectionString"/> (Azure OpenAI
/// <c>Endpoint=...;Key=...;Deployment=...</c>, OpenAI <c>Key=...;Model=...</c>, Ollama <c>Endpoint=http://host:11434;Model=...</c>,
/// optionally <c>Provider=AzureOpenAI|OpenAI|Ollama</c>), plus <c>FastDeployment</c> and <c>StrongDeployment</c> naming the
/// two routes' models. Either route without a name of its own takes <c>Deployment</c>/<c>Model</c>, or else the other
/// route's; the settings Rag:Chat:FastModel and StrongModel override all of these.
/// </summary>
internal sealed class ChatConnectionString
{
    public const string Name = "chat";

    private ChatConnectionString(ModelConnectionString connection, string fast, string strong)
    {
        Connection = connection;
        FastDeployment = fast;
        StrongDeployment = strong;
    }

    public ModelConnectionString Connection { get; }

    public string FastDeployment { get; }

    public string StrongDeployment { get; }

    public static ChatConnectionString Parse(string connectionString)
    {
        var connection = ModelConnectionString.Parse(Name, connectionString, ["FastDeployment", "StrongDeployment"], allowProviderChoice: true);
        var fast = connection.Value("FastDeployment");
        var strong = connection.Value("StrongDeployment");
        var model = connection.Model ?? fast ?? strong ?? connection.RequireModel();
        return new ChatConnectionString(connection, fast ?? connection.Model ?? model, strong ?? connection.Model ?? model);
    }

    /// <summary>Everything but the key, for logs.</summary>
    public override string ToString() => $"{Connection};FastDeployment={FastDeployment};StrongDeployment={StrongDeployment}";
}
