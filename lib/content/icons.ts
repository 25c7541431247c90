// Where the site serves each component's AWS icon. The files come from the aws-icons package at
// build time (the icon field of content/components.json names one); this module only knows URLs,
// so client and server components can both use it.

/** The URL of a component's icon, an SVG served by the site itself. */
export function componentIconSrc(componentId: string): string {
  return `/icons/${componentId}.svg`;
}
