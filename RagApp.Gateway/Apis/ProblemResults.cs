namespace RagApp.Gateway.Apis;

/// <summary>RFC 7807 problem details that name the field at fault, for every status, not only 400.</summary>
internal static class ProblemResults
{
    public static IResult Field(int statusCode, string title, string field, string message, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>())
        {
            ["errors"] = new Dictionary<string, string[]> { [field] = [message] },
        };
        return TypedResults.Problem(detail: $"{field}: {message}", statusCode: statusCode, title: title, extensions: all);
    }

    public static IResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.");

    public static IResult NotFound(string what, string id) =>
        TypedResults.Problem(detail: $"No {what} has the id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: $"Unknown {what}.");
}
