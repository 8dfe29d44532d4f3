using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>The rules of DESIGN §3 for a question, checked where the index is, whoever calls (the gateway checks them too).</summary>
internal static class QueryRequestValidator
{
    public const int MinQuestionLength = 3;
    public const int MaxQuestionLength = 4000;
    public const int DefaultMaxResults = 5;
    public const int MaxResults = 20;

    /// <summary>Bounds the filter so that one request cannot make the store compare against an unbounded set.</summary>
    public const int MaxFilterEntries = 1000;

    public static RetrievalQuery Validate(QueryRequest request)
    {
        var question = request.Question.Trim();
        if (question.Length is < MinQuestionLength or > MaxQuestionLength)
        {
            throw new InvalidQueryException("question",
                $"must be {MinQuestionLength}..{MaxQuestionLength} characters after trimming; got {question.Length}");
        }

        if (request.SessionId.Length > 0 && !Guid.TryParse(request.SessionId, out _))
        {
            throw new InvalidQueryException("session_id", "must be a UUID, or empty");
        }

        if (request.MaxResults is < 0 or > MaxResults)
        {
            throw new InvalidQueryException("max_results", $"must be 1..{MaxResults}, or 0 for the default {DefaultMaxResults}; got {request.MaxResults}");
        }

        return new RetrievalQuery(question, request.MaxResults == 0 ? DefaultMaxResults : request.MaxResults, ToSearchFilter(request.Filter));
    }

    private static SearchFilter? ToSearchFilter(QueryFilter? filter)
    {
        if (filter is null || (filter.DocumentIds.Count == 0 && filter.Metadata.Count == 0))
        {
            return null;
        }

        if (filter.DocumentIds.Count > MaxFilterEntries)
        {
            throw new InvalidQueryException("filter.document_ids", $"at most {MaxFilterEntries} ids; got {filter.DocumentIds.Count}");
        }

        if (filter.DocumentIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidQueryException("filter.document_ids", "an id is empty");
        }

        if (filter.Metadata.Count > MaxFilterEntries)
        {
            throw new InvalidQueryException("filter.metadata", $"at most {MaxFilterEntries} entries; got {filter.Metadata.Count}");
        }

        if (filter.Metadata.Keys.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidQueryException("filter.metadata", "a key is empty");
        }

        return new SearchFilter
        {
            DocumentIds = filter.DocumentIds.ToHashSet(StringComparer.Ordinal),
            Metadata = new Dictionary<string, string>(filter.Metadata, StringComparer.Ordinal),
        };
    }
}
