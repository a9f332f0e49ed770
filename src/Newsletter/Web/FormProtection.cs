using Microsoft.AspNetCore.Antiforgery;
using Scriban.Runtime;

namespace Newsletter.Web;

/// <summary>Antiforgery for the site's HTML forms: the hidden field a template renders, and the check on POST.</summary>
public sealed class FormProtection(IAntiforgery antiforgery)
{
    /// <summary>The hidden form field that carries the antiforgery token.</summary>
    public const string FieldName = "__af";

    /// <summary>The hidden field's name and value (and sets the matching cookie) for a page that shows a form.</summary>
    public ScriptObject Field(HttpContext http)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return new ScriptObject { ["name"] = tokens.FormFieldName, ["value"] = tokens.RequestToken };
    }

    /// <summary>True when a form POST carries a valid antiforgery token and cookie.</summary>
    public async Task<bool> IsValidAsync(HttpContext http) =>
        http.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(http);
}
