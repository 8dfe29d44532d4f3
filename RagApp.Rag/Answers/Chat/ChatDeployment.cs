using Microsoft.Extensions.AI;

namespace RagApp.Rag.Answers.Chat;

/// <summary>A route's model: the deployment (model) name reported in responses and the client bound to it.</summary>
internal sealed record ChatDeployment(string Name, IChatClient Client);
