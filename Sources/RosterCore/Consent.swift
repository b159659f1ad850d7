public import Foundation

/// One entry of a party's consent ledger (seed 002): append-only; the current consent for a purpose is the entry
/// with the latest `at` (the latest recorded among equal `at`).
public struct Consent: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Consent>

    public enum Status: String, Hashable, Sendable, CaseIterable {
        case granted, withdrawn
    }

    public var id: ID
    public var tenantID: Tenant.ID
    public var partyID: Party.ID
    /// What the consent is for: `marketing.email`, `newsletter`, ... (lower case letters, digits, `.`, `_`, `-`).
    public var purpose: String
    public var status: Status
    /// Where it was given or withdrawn: `web-form`, `paper`, `call-centre`, ...
    public var source: String
    /// When it was given or withdrawn (the entry may be recorded later).
    public var at: Date
    public var note: String?
    public var recordedAt: Date
    /// Who recorded it (a principal, never a name).
    public var recordedBy: String

    public init(id: ID = .make(), tenantID: Tenant.ID, partyID: Party.ID, purpose: String, status: Status, source: String, at: Date,
                note: String?, recordedAt: Date, recordedBy: String) {
        self.id = id
        self.tenantID = tenantID
        self.partyID = partyID
        self.purpose = purpose
        self.status = status
        self.source = source
        self.at = at
        self.note = note
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }

    /// Whether this entry supersedes `other` for the same purpose: a later `at`, or the same `at` recorded later.
    public func supersedes(_ other: Consent) -> Bool {
        at != other.at ? at > other.at : other.id < id
    }

    /// A purpose as stored: 1 to 100 characters, lower case letters, digits, `.`, `_` and `-`, starting with a letter
    /// or digit. Purposes are identifiers that filters and exports match exactly, so they are not folded silently.
    public static func validatePurpose(_ raw: String, field: String = "purpose") throws -> String {
        guard (1...100).contains(raw.count), let first = raw.unicodeScalars.first,
              CharacterSet.lowercaseLetters.contains(first) || CharacterSet.decimalDigits.contains(first),
              raw.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) })
        else {
            throw RosterError.invalid(field, "must be 1 to 100 characters: lower-case letters a-z, digits, '.', '_' or '-', "
                                      + "starting with a letter or digit")
        }
        return raw
    }
}

/// What a caller gives to record a consent entry.
public struct ConsentInput: Sendable, Hashable {
    public var purpose: String
    public var status: Consent.Status
    public var source: String
    /// Defaults to the time of recording; may lie in the past (a paper form), not in the future.
    public var at: Date?
    public var note: String?

    public init(purpose: String, status: Consent.Status, source: String, at: Date? = nil, note: String? = nil) {
        self.purpose = purpose
        self.status = status
        self.source = source
        self.at = at
        self.note = note
    }

    /// The entry this input records, or 422 naming every bad field.
    public func validated(tenant: Tenant.ID, party: Party.ID, now: Date, recordedBy: String) throws -> Consent {
        var errors = ValidationErrors()
        let purpose = errors.check { try Consent.validatePurpose(self.purpose) }
        let source = errors.check { try Text.optional(self.source, field: "source", max: 200) } ?? nil
        if source == nil, !errors.errors.contains(where: { $0.field == "source" }) { errors.add("source", "must not be empty") }
        let note = errors.check { try Text.optional(self.note, field: "note", max: Text.noteMax) } ?? nil
        // A minute of leeway for the caller's clock; a consent given in the future is not a fact yet. Within that minute
        // the entry is dated when it is recorded: dated ahead, a grant outranked a withdrawal recorded after it (the
        // current entry is the latest `at`), until someone recorded a newer one (found by a probe).
        if let given = self.at, given > now.addingTimeInterval(60) { errors.add("at", "must not lie in the future") }
        let at = min(self.at ?? now, now)
        try errors.throwIfAny()
        return Consent(tenantID: tenant, partyID: party, purpose: purpose!, status: status, source: source!, at: at, note: note,
                       recordedAt: now, recordedBy: recordedBy)
    }
}

/// A party and its current consent entry for the purpose asked.
public struct ConsentMatch: Hashable, Sendable {
    public var consent: Consent
    public var party: Party

    public init(consent: Consent, party: Party) {
        self.consent = consent
        self.party = party
    }
}
