import { useEffect, useState } from 'react';
import { About } from './components/About';
import { Checklist } from './components/Checklist';
import { Nav } from './components/Nav';
import { routeFor } from './logic';

export function App({ initialPath }: { initialPath: string }) {
  const [path, setPath] = useState(initialPath);

  useEffect(() => {
    // Back and forward buttons change the URL without a request; follow them.
    const onPopState = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  function navigate(to: string) {
    window.history.pushState(null, '', to);
    setPath(to);
  }

  const route = routeFor(path);
  return (
    <>
      <Nav current={route} onNavigate={navigate} />
      <main>
        {route === 'checklist' && <Checklist />}
        {route === 'about' && <About />}
        {route === 'not-found' && (
          <section>
            <h1>Not found</h1>
            <p>
              Nothing lives at <code>{path}</code>. CloudFront still answered 200, because every unknown path is handed
              to this app.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
