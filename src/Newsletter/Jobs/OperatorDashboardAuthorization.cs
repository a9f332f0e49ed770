using Hangfire.Dashboard;
using Newsletter.Web;

namespace Newsletter.Jobs;

/// <summary>
/// Lets a dashboard request through only when <see cref="OperatorAccess"/> has checked the operator's password
/// for it, so the dashboard stays closed if it is ever mapped where that check does not run.
/// </summary>
public sealed class OperatorDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => OperatorAccess.IsGranted(context.GetHttpContext());
}
