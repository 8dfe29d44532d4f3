namespace RagApp.Gateway.OpenApi;

internal static class OpenApiExtensions
{
    /// <summary>
    /// The OpenAPI document (/openapi/v1.json), completed by transformers where endpoint metadata cannot say what the
    /// API does: the upload's two request bodies and answers, the query's request and stream events, the statuses' values, and the errors every endpoint can give.
    /// </summary>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddOperationTransformer<UploadDocumentsOperationTransformer>();
            options.AddOperationTransformer<QueryOperationTransformer>();
            options.AddOperationTransformer<CommonProblemsOperationTransformer>();
            options.AddSchemaTransformer<StatusValuesSchemaTransformer>();
            options.AddSchemaTransformer<QuerySchemaTransformer>();
        });
        return services;
    }
}
