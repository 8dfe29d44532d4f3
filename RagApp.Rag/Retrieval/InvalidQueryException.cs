namespace RagApp.Rag.Retrieval;

/// <summary>A query the service refuses; <see cref="Field"/> names the offending field as the proto spells it.</summary>
internal sealed class InvalidQueryException : Exception
{
    public InvalidQueryException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
    }

    public InvalidQueryException()
    {
        Field = "";
    }

    public InvalidQueryException(string message) : base(message)
    {
        Field = "";
    }

    public InvalidQueryException(string message, Exception innerException) : base(message, innerException)
    {
        Field = "";
    }

    public string Field { get; }
}
