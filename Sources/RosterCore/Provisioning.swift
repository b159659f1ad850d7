public import Foundation

/// The persisted state of a tenant's provisioning workflow (DESIGN.md §2 Tenant provisioning, seed 003).
///
/// Steps run one transaction each, and each transaction also writes this state: a step's effects and the
/// record that it ran commit together, so a crash between steps resumes at the next one and no step runs
/// twice. Steps before `active` are undone on failure; tracking steps after it are retried instead.
public struct Provisioning: Codable, Hashable, Sendable {
    /// Where the provisioning part stands: the next step to run, or the end it reached.
    public enum Phase: String, Codable, Hashable, Sendable {
        case admin, activate, active, failed
    }

    /// The first administrator: a person party and an ADMIN user linked to it.
    public struct Admin: Codable, Hashable, Sendable {
        public var firstName: String
        public var lastName: String
        public var email: String

        public init(firstName: String, lastName: String, email: String) {
            self.firstName = firstName
            self.lastName = lastName
            self.email = email
        }
    }

    public var phase: Phase
    public var admin: Admin?
    public var adminUserID: User.ID?
    public var adminPartyID: Party.ID?
    /// Why provisioning failed (rolled back); never personal data.
    public var lastError: String?
    public var tracking: Tracking
    public var startedAt: Date
    public var finishedAt: Date?

    public init(admin: Admin?, tracking: Tracking, startedAt: Date) {
        self.phase = .admin
        self.admin = admin
        self.tracking = tracking
        self.startedAt = startedAt
    }

    /// Whether a worker has something to do: provisioning unfinished, or tracking waiting for its next attempt.
    public var needsWork: Bool { nextStep != nil }

    /// The step that runs next.
    public var nextStep: ProvisioningStep? {
        switch phase {
        case .admin: .admin
        case .activate: .activate
        case .failed: nil
        case .active: tracking.status == .pending ? tracking.nextStep : nil
        }
    }
}

/// The workflow's steps, by the names fault injection and logs use.
public enum ProvisioningStep: String, CaseIterable, Sendable {
    case admin = "provision.admin", activate = "provision.activate"
    case company = "tracking.company", contact = "tracking.contact", tag = "tracking.tag"

    /// Steps before the tenant is active: undone on failure.
    public var isProvisioning: Bool { self == .admin || self == .activate }
}

/// The tenant as a customer of the management tenant: an organization, a contact for its admin, a tag.
public struct Tracking: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Hashable, Sendable {
        /// Tracking is turned off, this is the management tenant itself, or the tenant failed to provision (a retry
        /// of its provisioning starts tracking again).
        case off
        /// Steps remain; a worker runs them (at `nextAttemptAt` after a failure).
        case pending
        case tracked
        /// Attempts ran out; `POST .../tracking/retry` starts again where it stopped.
        case failed
    }

    public var status: Status
    /// Whether the tenant has an admin to record as the company's contact.
    public var withContact: Bool
    /// The management tenant and tag, fixed when the workflow starts: whichever process finishes it, and
    /// whatever its configuration says by then, the records end up in one place.
    public var managementTenant: String?
    public var tag: String?
    public var companyID: Party.ID?
    public var contactID: Party.ID?
    public var relationshipID: Relationship.ID?
    public var tagID: Tag.ID?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date?

    public init(status: Status, withContact: Bool, managementTenant: String? = nil, tag: String? = nil) {
        self.status = status
        self.withContact = withContact
        self.managementTenant = managementTenant
        self.tag = tag
        self.attempts = 0
    }

    /// Company, then contact (with its employment edge), then tag: resumes where it stopped; `nil` when done.
    public var nextStep: ProvisioningStep? {
        if companyID == nil { return .company }
        if withContact, contactID == nil || relationshipID == nil { return .contact }
        if tagID == nil { return .tag }
        return nil
    }

    /// Exponential backoff with "equal jitter": between half and all of `base · 2^(attempt-1)`, capped.
    public static func backoff(attempt: Int, base: TimeInterval, cap: TimeInterval, random: Double) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        return ceiling / 2 + ceiling / 2 * min(max(random, 0), 1)
    }
}
