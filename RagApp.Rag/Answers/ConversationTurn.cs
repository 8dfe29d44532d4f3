namespace RagApp.Rag.Answers;

/// <summary>One earlier exchange of a session: what was asked, what retrieval searched for, and the answer given.</summary>
internal sealed record ConversationTurn(string Question, string RetrievalQuestion, string Answer);
