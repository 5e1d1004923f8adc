import Foundation
import KubeClient

/// What every pod worker shares: the store, the image map, addresses, the pods' root directory, Events.
struct KubeletContext: Sendable {
    static let pods = ResourceKey(group: "", plural: "pods")
    static let ownership = ClusterStore.FieldOwnership.update(manager: "kubelet")

    let store: ClusterStore
    let images: ImageMap
    let addresses: AddressPool
    let root: String
    let node: String
    var events: KubeletEvents { KubeletEvents(store: store, node: node) }

    var lookup: ObjectLookup {
        { [store] plural, namespace, name in try? store.get(resourceKey: ResourceKey(group: "", plural: plural), namespace: namespace, name: name) }
    }
}
