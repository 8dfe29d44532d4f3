namespace RagApp.Rag.Index.Grpc;

/// <summary>A request the index refuses; <see cref="Field"/> names the offending field as the proto spells it.</summary>
internal sealed class InvalidIndexRequestException : Exception
{
    public InvalidIndexRequestException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
    }

    public InvalidIndexRequestException()
    {
        Field = "";
    }

    public InvalidIndexRequestException(string message) : base(message)
    {
        Field = "";
    }

    public InvalidIndexRequestException(string message, Exception innerException) : base(message, innerException)
    {
        Field = "";
    }

    public string Field { get; }
}
