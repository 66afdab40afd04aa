export default function OverviewPage() {
  return (
    <main>
      <h1>Weather pipeline</h1>
      <p>
        Stations push readings to the collector; the consumer stores them. The dashboard arrives
        with the query API.
      </p>
    </main>
  );
}
