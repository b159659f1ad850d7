public import Foundation

public struct Party: Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Party>

    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case person, organization

        /// "a person", "an organization", for messages.
        public var withArticle: String { self == .person ? "a person" : "an organization" }
    }

    public enum State: String, Hashable, Sendable, Codable, CaseIterable {
        case active, suspended, archived, deleted
        /// Merged into another party (`mergedInto`); a merge's undo returns it to the state it had.
        case merged
    }

    public enum CustomerType: String, Hashable, Sendable, Codable, CaseIterable {
        case regular, unregistered, new, anonymous
    }

    public var id: ID
    public var tenantID: Tenant.ID
    public var kind: Kind
    public var firstName: String?
    public var lastName: String?
    public var name: String?
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var website: String?
    public var emailDomains: [String]
    public var note: String?
    public var customerType: CustomerType?
    public var roles: [String]
    public var properties: [String: JSONScalar]
    public var state: State
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int
    /// The survivor this party was merged into, while its state is `merged`.
    public var mergedInto: ID?
    /// The party's tags, filled in by the store on reads; writes ignore it.
    public var tags: [Tag] = []

    public init(id: ID, tenantID: Tenant.ID, kind: Kind, firstName: String? = nil, lastName: String? = nil,
                name: String? = nil, email: EmailAddress? = nil, phone: PhoneNumber? = nil, website: String? = nil,
                emailDomains: [String] = [], note: String? = nil, customerType: CustomerType? = nil,
                roles: [String] = [], properties: [String: JSONScalar] = [:], state: State = .active,
                createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.tenantID = tenantID
        self.kind = kind
        self.firstName = firstName
        self.lastName = lastName
        self.name = name
        self.email = email
        self.phone = phone
        self.website = website
        self.emailDomains = emailDomains
        self.note = note
        self.customerType = customerType
        self.roles = roles
        self.properties = properties
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The name to show: an organization's name; a person's first and last name, else email, else phone.
    public var displayName: String {
        switch kind {
        case .organization:
            return name ?? ""
        case .person:
            let full = [firstName, lastName].compactMap { $0 }.joined(separator: " ")
            if !full.isEmpty { return full }
            return name ?? email?.value ?? phone.map { "+\($0.digits)" } ?? ""
        }
    }

    /// Not deleted and not merged into another party: found by lookups, searches and duplicate checks.
    public var isLive: Bool { state != .deleted && state != .merged }

    /// Why a change is refused to a party that is not live.
    public var notLiveReason: String {
        state == .merged ? "the party was merged into \(mergedInto?.description ?? "another"); undo the merge to change it"
                         : "the party is deleted; restore it first"
    }

    /// Keys that search matches by prefix and the duplicate finder compares (`Text.searchKey`: lower-cased, accents
    /// dropped).
    public var searchKeys: (first: String?, last: String?, name: String) {
        (firstName.map(Text.searchKey), lastName.map(Text.searchKey), Text.searchKey(displayName))
    }
}

/// One entry of a party's state history.
public struct StateChange: Hashable, Sendable {
    public typealias ID = Identifier<StateChange>

    public var id: ID
    public var partyID: Party.ID
    public var from: Party.State?
    public var to: Party.State
    public var at: Date
    public var actor: String
    public var reason: String?

    public init(id: ID = .make(), partyID: Party.ID, from: Party.State?, to: Party.State, at: Date, actor: String, reason: String?) {
        self.id = id
        self.partyID = partyID
        self.from = from
        self.to = to
        self.at = at
        self.actor = actor
        self.reason = reason
    }
}
