namespace NotebookFunctions.Api.AccessControl;

/// <summary>What the access check decided: allowed, or the status (401/403) and why.</summary>
public sealed record AccessDecision(bool Allowed, int Status, string? Reason)
{
    public static AccessDecision Allow { get; } = new(true, 200, null);
}

/// <summary>Decides one request: an operation of <see cref="ApiOperations"/> and the caller's principal.</summary>
public static class AccessPolicy
{
    public static AccessDecision Decide(string operation, ClientPrincipal? principal)
    {
        // Not an API operation (timer, blob trigger, durable tasks): nothing to authorize here.
        if (!ApiOperations.RequiredRole.TryGetValue(operation, out var role)) return AccessDecision.Allow;
        if (principal is null)
            return new AccessDecision(false, 401, role == NotebookRoles.SignedIn
                ? $"{operation} needs a signed-in caller; no identity came with the request"
                : $"{operation} needs a signed-in caller with the role {role}; no identity came with the request");
        if (role != NotebookRoles.SignedIn && !principal.Roles.Contains(role))
            return new AccessDecision(false, 403, $"{operation} needs the role {role}; {principal.Name ?? "the caller"} has {(principal.Roles.Count == 0 ? "no roles" : string.Join(", ", principal.Roles.Order()))}");
        return AccessDecision.Allow;
    }
}
