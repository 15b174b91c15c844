using System.Text;
using System.Text.Json;

namespace NotebookFunctions.Api.AccessControl;

/// <summary>
/// The caller as App Service Authentication describes it in the X-MS-CLIENT-PRINCIPAL header: base64 JSON with
/// auth_typ, name_typ, role_typ and claims [{typ, val}]. Only the platform sets this header (it strips any the
/// client sent), so it is trusted as is.
/// </summary>
public sealed record ClientPrincipal(string? Name, string? IdentityProvider, IReadOnlySet<string> Roles)
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";
    private const string DefaultRoleClaim = "roles";

    private const string ItemKey = "nbf.principal";

    /// <summary>Keeps the principal the access check found on the request, for handlers that say who the caller is.</summary>
    public static void Attach(Microsoft.AspNetCore.Http.HttpContext context, ClientPrincipal? principal)
    {
        if (principal is not null) context.Items[ItemKey] = principal;
    }

    /// <summary>The principal the access check attached, or null for an anonymous request.</summary>
    public static ClientPrincipal? Of(Microsoft.AspNetCore.Http.HttpContext context) => context.Items.TryGetValue(ItemKey, out var value) ? value as ClientPrincipal : null;

    public static ClientPrincipal? FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        try
        {
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = json.RootElement;
            var roleType = root.TryGetProperty("role_typ", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString()! : DefaultRoleClaim;
            var nameType = root.TryGetProperty("name_typ", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString() : null;
            var roles = new HashSet<string>(StringComparer.Ordinal);
            string? name = null;
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    var type = claim.TryGetProperty("typ", out var t) ? t.GetString() : null;
                    var value = claim.TryGetProperty("val", out var v) ? v.GetString() : null;
                    if (value is null) continue;
                    if (type == roleType || type == DefaultRoleClaim) roles.Add(value);
                    if (type == nameType) name ??= value;
                }
            }

            var provider = root.TryGetProperty("auth_typ", out var at) ? at.GetString() : null;
            return new ClientPrincipal(name, provider, roles);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
