public import Foundation
import Crypto

/// One audit record: who did what to which record. Field names only, never values.
public struct AuditEntry: Hashable, Sendable {
    public var tenantID: Tenant.ID
    /// Position in the tenant's chain, from 1.
    public var seq: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var requestID: String?
    public var fields: [String]
    public var prevHash: String
    public var hash: String

    public init(tenantID: Tenant.ID, seq: Int64, at: Date, actor: String, action: String, targetType: String?,
                targetID: String?, requestID: String?, fields: [String], prevHash: String, hash: String) {
        self.tenantID = tenantID
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.requestID = requestID
        self.fields = fields
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// An audit record not yet in the chain.
public struct AuditEvent: Hashable, Sendable {
    public var tenantID: Tenant.ID
    public var at: Date
    public var actor: String
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var requestID: String?
    public var fields: [String]

    public init(tenantID: Tenant.ID, at: Date = Date.rosterNow, context: OperationContext, action: String,
                targetType: String? = nil, targetID: String? = nil, fields: [String] = []) {
        self.tenantID = tenantID
        self.at = at
        self.actor = context.principal.description
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.requestID = context.requestID
        self.fields = fields
    }
}

/// The hash chain over a tenant's audit entries: each hash covers the previous hash and every field.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// Timestamps enter the hash as whole microseconds, the precision both stores keep.
    public static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    public static func hash(prev: String, tenantID: Tenant.ID, seq: Int64, at: Date, actor: String, action: String,
                            targetType: String?, targetID: String?, requestID: String?, fields: [String]) -> String {
        // The parts joined by U+001F, each without U+001F (a byte that never occurs inside a longer UTF-8 sequence), the
        // fields joined by commas: written straight into bytes, a part at a time (a byte at a time, with the array's
        // uniqueness checked for each, was a third of an export's audit hashing in perf).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(384)
        func add(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                if utf8.contains(0x1F) {
                    for byte in utf8 where byte != 0x1F { bytes.append(byte) }
                } else {
                    bytes.append(contentsOf: utf8)
                }
            }
        }
        add(prev)
        for part in [tenantID.description, String(seq), String(micros(at)), actor, action, targetType ?? "", targetID ?? "", requestID ?? ""] {
            bytes.append(0x1F)
            add(part)
        }
        bytes.append(0x1F)
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            add(field)
        }
        return SHA256.hash(data: bytes).withUnsafeBytes(hexString(bytes:))
    }

    public static func entry(for event: AuditEvent, seq: Int64, prev: String) -> AuditEntry {
        let at = Date(timeIntervalSince1970: Double(micros(event.at)) / 1_000_000)
        let hash = hash(prev: prev, tenantID: event.tenantID, seq: seq, at: at, actor: event.actor, action: event.action,
                        targetType: event.targetType, targetID: event.targetID, requestID: event.requestID, fields: event.fields)
        return AuditEntry(tenantID: event.tenantID, seq: seq, at: at, actor: event.actor, action: event.action,
                          targetType: event.targetType, targetID: event.targetID, requestID: event.requestID,
                          fields: event.fields, prevHash: prev, hash: hash)
    }

    public static func recompute(_ entry: AuditEntry, prev: String) -> String {
        hash(prev: prev, tenantID: entry.tenantID, seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action,
             targetType: entry.targetType, targetID: entry.targetID, requestID: entry.requestID, fields: entry.fields)
    }
}

/// The outcome of recomputing a chain.
public struct AuditVerification: Hashable, Sendable {
    public var valid: Bool
    /// Entries rehashed by this verification (those after the last checkpoint, unless it was a full one).
    public var checked: Int64
    /// Entries the chain holds, when it was read to its end.
    public var count: Int64?
    /// The first entry whose stored hash or link does not match.
    public var brokenAt: Int64?
    public var reason: String?

    public init(valid: Bool, checked: Int64, count: Int64? = nil, brokenAt: Int64? = nil, reason: String? = nil) {
        self.valid = valid
        self.checked = checked
        self.count = count
        self.brokenAt = brokenAt
        self.reason = reason
    }
}

/// A tenant's chain head, taken out of the database (a file, another system) so that a later verification can tell
/// whether the chain still extends it: `count` entries, the last one's `hash`, and its time.
public struct AuditAnchor: Hashable, Sendable, Codable {
    public var count: Int64
    public var hash: String
    public var at: Date

    public init(count: Int64, hash: String, at: Date) {
        self.count = count
        self.hash = hash
        self.at = at
    }
}

/// Which audit entries a listing shows: every condition given must hold (exact matches).
public struct AuditFilter: Hashable, Sendable {
    /// The record an entry is about (a party's id, a user's, ...).
    public var targetID: String?
    /// What was done, as entries name it (`party.read`, `party.erase`, `role.grant`, ...).
    public var action: String?
    /// Who did it, as entries name it (`user:<id>`, `apikey:<id>`, `platform:<name>`, `system`).
    public var actor: String?

    /// Leaves out the routine reads (`routineReads`): what changed a record, and what disclosed it (a reveal, an export).
    public var changesOnly: Bool

    public init(targetID: String? = nil, action: String? = nil, actor: String? = nil, changesOnly: Bool = false) {
        self.targetID = targetID
        self.action = action
        self.actor = actor
        self.changesOnly = changesOnly
    }

    /// The actions of reads a party's page, a search or a list make as they are used: audited, and many. A secret's
    /// reveal and an export are disclosures and no routine read.
    public static let routineReads = ["consent.list", "consent.read", "partner_account.read", "party.duplicates", "party.history",
                                      "party.list", "party.lookup", "party.merge.preview", "party.read", "user.list", "user.read"]
}
