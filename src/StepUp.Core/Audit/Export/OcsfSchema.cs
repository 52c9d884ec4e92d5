namespace StepUp.Core.Audit.Export;

/// <summary>
/// The OCSF 1.3.0 numbers StepUp emits (schema.ocsf.io/1.3.0): categories, classes, activities and
/// the <c>severity_id</c> / <c>status_id</c> enumerations. <c>type_uid</c> is always
/// <c>class_uid * 100 + activity_id</c>.
/// </summary>
internal static class OcsfSchema
{
    public const string Version = "1.3.0";

    public const int CategoryUncategorized = 0;
    public const int CategoryFindings = 2;
    public const int CategoryIam = 3;

    public const int ClassBaseEvent = 0;
    public const int ClassDetectionFinding = 2004;
    public const int ClassAuthentication = 3002;
    public const int ClassAuthorizeSession = 3003;

    /// <summary>Authentication activity 1.</summary>
    public const int ActivityLogon = 1;

    /// <summary>Authorize Session activity 1.</summary>
    public const int ActivityAssignPrivileges = 1;

    /// <summary>Detection Finding activity 1.</summary>
    public const int ActivityCreate = 1;

    /// <summary>Any class: an activity the schema has no id for; <c>activity_name</c> names it.</summary>
    public const int ActivityOther = 99;

    public const int SeverityUnknown = 0;
    public const int SeverityInformational = 1;
    public const int SeverityLow = 2;
    public const int SeverityMedium = 3;
    public const int SeverityHigh = 4;
    public const int SeverityCritical = 5;
    public const int SeverityFatal = 6;
    public const int SeverityOther = 99;

    /// <summary>Event status (base event): Unknown, Success, Failure, Other.</summary>
    public const int StatusUnknown = 0;
    public const int StatusSuccess = 1;
    public const int StatusFailure = 2;
    public const int StatusOther = 99;

    /// <summary>Finding status (Findings category overrides <c>status_id</c>): 1 = New.</summary>
    public const int FindingStatusNew = 1;

    /// <summary>Authentication <c>auth_protocol_id</c> 99: the protocol is named in <c>auth_protocol</c>.</summary>
    public const int AuthProtocolOther = 99;

    /// <summary>Analytic <c>type_id</c> 1: a rule.</summary>
    public const int AnalyticTypeRule = 1;
}
