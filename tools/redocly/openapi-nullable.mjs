// Redocly plugin: lets AsyncAPI 3 schemas carry OpenAPI 3.0's `nullable`.
//
// asyncapi.yaml $refs the shared objects (Message, Room, …) from openapi.yaml
// instead of copying them, so Redocly lints those OpenAPI 3.0 schemas as
// AsyncAPI (JSON Schema) schemas too, where `nullable` is unknown and the
// `struct` rule would refuse it. Declaring the keyword keeps `struct` on for
// everything else. Consumers that validate AsyncAPI payloads must still treat
// `nullable: true` as "null is allowed too".
export default function openapiNullable() {
  return {
    id: 'chatapi',
    typeExtension: {
      async3(types) {
        return {
          ...types,
          Schema: {
            ...types.Schema,
            properties: {
              ...types.Schema.properties,
              nullable: { type: 'boolean' },
            },
          },
        };
      },
    },
  };
}
