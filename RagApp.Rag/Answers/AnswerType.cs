namespace RagApp.Rag.Answers;

/// <summary>What kind of thing a question asks for, read from its wording ("who", "when", "how many", ...).</summary>
internal enum AnswerType
{
    Unknown,
    Person,
    Time,
    Place,
    Quantity,
}
