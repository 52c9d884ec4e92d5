namespace StepUp.Server.Security;

/// <summary>Who is calling: the API key's id, its app and its scopes.</summary>
internal sealed record ApiCaller(string KeyId, string App, IReadOnlyList<string> Scopes)
{
    public bool Has(string scope) => Scopes.Contains(scope);
}
